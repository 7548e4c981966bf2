// Monaco's editor worker, bundled from node_modules (no CDN).
import 'monaco-editor/esm/vs/editor/editor.worker.js';
