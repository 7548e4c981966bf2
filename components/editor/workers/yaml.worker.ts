// monaco-yaml's language worker (completion, hover), bundled from node_modules.
import 'monaco-yaml/yaml.worker.js';
