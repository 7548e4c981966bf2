'use client';
/**
 * Monaco from the app's own bundle (never a CDN), with monaco-yaml for completion
 * and hover driven by the cluster's CRD schemas. Both web workers are bundled from
 * node_modules. Imported only by client components loaded with next/dynamic, so
 * pages without an editor never load it.
 */
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import 'monaco-editor/esm/vs/editor/editor.all.js';
import { loader } from '@monaco-editor/react';
import { configureMonacoYaml, type MonacoYaml, type SchemasSettings } from 'monaco-yaml';

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
    __meshboardMonaco?: typeof monaco;
  }
}

let yaml: MonacoYaml | null = null;

export function setupMonaco(): { monaco: typeof monaco; yaml: MonacoYaml } {
  if (!yaml) {
    window.MonacoEnvironment = {
      getWorker(_moduleId: string, label: string) {
        if (label === 'yaml') return new Worker(new URL('./workers/yaml.worker.ts', import.meta.url));
        return new Worker(new URL('./workers/editor.worker.ts', import.meta.url));
      },
    };
    loader.config({ monaco });
    yaml = configureMonacoYaml(monaco, {
      enableSchemaRequest: false,
      // Markers come from Meshboard's own validator (the same one that blocks apply);
      // monaco-yaml supplies completion and hover.
      validate: false,
      completion: true,
      hover: true,
      schemas: [],
    });
    // Line numbers and comments dark enough for WCAG AA on both backgrounds.
    monaco.editor.defineTheme('meshboard-light', {
      base: 'vs',
      inherit: true,
      rules: [{ token: 'comment', foreground: '5d6876' }],
      colors: { 'editorLineNumber.foreground': '#5d6876', 'editorLineNumber.activeForeground': '#1d232b', 'editorLineNumber.dimmedForeground': '#5d6876' },
    });
    monaco.editor.defineTheme('meshboard-dark', {
      base: 'vs-dark',
      inherit: true,
      rules: [{ token: 'comment', foreground: '9aa6b4' }],
      colors: {
        'editor.background': '#11161c',
        'editorLineNumber.foreground': '#9aa6b4',
        'editorLineNumber.activeForeground': '#e3e8ee',
        'editorLineNumber.dimmedForeground': '#9aa6b4',
      },
    });
    window.__meshboardMonaco = monaco; // for end-to-end tests that inspect markers
  }
  return { monaco, yaml };
}

export function setSchemas(schemas: SchemasSettings[]): void {
  setupMonaco().yaml.update({ enableSchemaRequest: false, validate: false, completion: true, hover: true, schemas });
}

export type Monaco = typeof monaco;
