'use client';
/**
 * Monaco for one YAML resource: completion and hover from the kind's JSON Schema
 * (monaco-yaml, keyed by the model URI so two editors get their own schemas) and
 * markers from Meshboard's validator. Loaded only through next/dynamic.
 */
import Editor, { DiffEditor, type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { EditorProblem } from '@/lib/istio/editor/validate';
import { useTheme } from '@/lib/client/theme';
import { setSchemas, setupMonaco, type Monaco } from './monaco';

const { monaco } = setupMonaco();

export interface SchemaBinding {
  uri: string;
  schema: Record<string, unknown>;
}

const bindings = new Map<string, SchemaBinding>();
function bindSchema(modelUri: string, b: SchemaBinding | undefined) {
  if (b) bindings.set(modelUri, b);
  else bindings.delete(modelUri);
  setSchemas([...bindings.entries()].map(([file, s]) => ({ uri: s.uri, fileMatch: [file], schema: s.schema as never })));
}

const SEVERITY: Record<EditorProblem['severity'], number> = { error: 8, warning: 4, info: 2 };

export interface MonacoYamlEditorProps {
  value: string;
  onChange?: (v: string) => void;
  readOnly?: boolean;
  /** Model URI, e.g. "file:///meshboard/admin/networking.istio.io/virtualservices/default/reviews.yaml" */
  modelUri: string;
  schema?: SchemaBinding;
  problems: EditorProblem[];
  height?: number | string;
  onReady?: (api: { reveal: (line: number, column: number, endLine?: number, endColumn?: number) => void }) => void;
}

export default function MonacoYamlEditor({ value, onChange, readOnly, modelUri, schema, problems, height = '60vh', onReady }: MonacoYamlEditorProps) {
  const editorRef = useRef<Parameters<OnMount>[0] | null>(null);
  const theme = useTheme();
  // Problems may arrive before the model exists: set markers again once it is mounted.
  const [mounted, setMounted] = useState(0);

  useEffect(() => {
    bindSchema(modelUri, schema);
    return () => bindSchema(modelUri, undefined);
  }, [modelUri, schema]);

  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(modelUri));
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      'meshboard',
      problems.map((p) => ({
        severity: SEVERITY[p.severity],
        message: p.message,
        code: p.code,
        source: p.source,
        startLineNumber: p.startLine,
        startColumn: p.startColumn,
        endLineNumber: p.endLine,
        endColumn: Math.max(p.endColumn, p.startLine === p.endLine ? p.startColumn + 1 : p.endColumn),
      })),
    );
  }, [problems, modelUri, value, mounted]);

  return (
    <div data-testid="yaml-editor" style={{ border: '1px solid var(--border)', borderRadius: 6, overflow: 'hidden' }}>
      <Editor
        theme={theme === 'dark' ? 'meshboard-dark' : 'meshboard-light'}
        height={height}
        language="yaml"
        path={modelUri}
        value={value}
        onChange={(v) => onChange?.(v ?? '')}
        options={{
          readOnly,
          minimap: { enabled: false },
          fontSize: 13,
          tabSize: 2,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          quickSuggestions: { other: true, strings: true, comments: false },
          renderValidationDecorations: 'on',
          fixedOverflowWidgets: true,
        }}
        onMount={(ed) => {
          editorRef.current = ed;
          setMounted((n) => n + 1);
          onReady?.({
            reveal: (line, column, endLine, endColumn) => {
              ed.revealLineInCenter(line);
              if (endLine && endColumn) ed.setSelection({ startLineNumber: line, startColumn: column, endLineNumber: endLine, endColumn });
              else ed.setPosition({ lineNumber: line, column });
              ed.focus();
            },
          });
        }}
        loading={<div className="empty">Loading editor…</div>}
      />
    </div>
  );
}

export function YamlDiff({ original, modified, height = '55vh' }: { original: string; modified: string; height?: number | string }) {
  const theme = useTheme();
  return (
    <div data-testid="yaml-diff" style={{ border: '1px solid var(--border)', borderRadius: 6, overflow: 'hidden' }}>
      <DiffEditor
        theme={theme === 'dark' ? 'meshboard-dark' : 'meshboard-light'}
        height={height}
        language="yaml"
        original={original}
        modified={modified}
        options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, fontSize: 13, automaticLayout: true, scrollBeyondLastLine: false }}
      />
    </div>
  );
}

export type { Monaco };
