'use client';
/**
 * Small form controls that show their field's errors in words right below them. Each
 * control is named by the form's field path ("hosts.0", "subsets.1.weight") — the paths
 * the zod schemas of lib/istio/forms report — so an issue lands next to its input
 * (aria-invalid, aria-describedby -> role=alert).
 */
import { createContext, useContext, useId } from 'react';
import type { FieldIssue } from '@/lib/istio/forms/validators';
import s from './forms.module.css';

const IssuesContext = createContext<readonly FieldIssue[]>([]);

export function IssuesProvider({ issues, children }: { issues: readonly FieldIssue[]; children: React.ReactNode }) {
  return <IssuesContext.Provider value={issues}>{children}</IssuesContext.Provider>;
}

/** Messages of the issues reported exactly at `path`. */
export function useIssues(path: string | undefined): string[] {
  const issues = useContext(IssuesContext);
  if (path === undefined) return [];
  return [...new Set(issues.filter((i) => i.path === path).map((i) => i.message))];
}

/** Test id of a control: "field-hosts-0" for path "hosts.0". */
export function fieldTestId(path: string): string {
  return `field-${path.replace(/\./g, '-')}`;
}

export function FieldErrors({ id, path }: { id: string; path: string }) {
  const messages = useIssues(path);
  if (!messages.length) return null;
  return (
    <div className={s.error} id={id} role="alert" data-testid={`error-${path}`}>
      {messages.map((m) => (
        <div key={m}>{m}</div>
      ))}
    </div>
  );
}

interface Common {
  /** Field path for errors, e.g. "hosts.0". */
  path: string;
  label: string;
  hint?: React.ReactNode;
  disabled?: boolean;
}

function Wrap({
  hint,
  children,
  errorId,
  path,
  inline,
}: {
  hint?: React.ReactNode;
  children: React.ReactNode;
  errorId: string;
  path: string;
  inline?: boolean;
}) {
  return (
    <div className={inline ? `${s.field} ${s.inline}` : s.field} data-field={path}>
      {children}
      {hint && <div className={s.hint}>{hint}</div>}
      <FieldErrors id={errorId} path={path} />
    </div>
  );
}

export function TextField({
  path,
  label,
  hint,
  value,
  onChange,
  placeholder,
  disabled,
  list,
  onBlur,
  onKeyDown,
}: Common & {
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  list?: string;
  onBlur?: () => void;
  onKeyDown?: (e: React.KeyboardEvent<HTMLInputElement>) => void;
}) {
  const id = useId();
  const invalid = useIssues(path).length > 0;
  return (
    <Wrap hint={hint} errorId={`${id}-err`} path={path}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        list={list}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-err` : undefined}
        data-testid={fieldTestId(path)}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        onKeyDown={onKeyDown}
      />
    </Wrap>
  );
}

export function NumberField({
  path,
  label,
  hint,
  value,
  onChange,
  min,
  max,
  disabled,
}: Common & { value: number | undefined; onChange: (v: number) => void; min?: number; max?: number }) {
  const id = useId();
  const invalid = useIssues(path).length > 0;
  return (
    <Wrap hint={hint} errorId={`${id}-err`} path={path}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value === undefined || Number.isNaN(value) ? '' : value}
        min={min}
        max={max}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-err` : undefined}
        data-testid={fieldTestId(path)}
        onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
      />
    </Wrap>
  );
}

export function SelectField<T extends string>({
  path,
  label,
  hint,
  value,
  onChange,
  options,
  disabled,
}: Common & { value: T; onChange: (v: T) => void; options: ReadonlyArray<{ value: T; label: string }> }) {
  const id = useId();
  const invalid = useIssues(path).length > 0;
  return (
    <Wrap hint={hint} errorId={`${id}-err`} path={path}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-err` : undefined}
        data-testid={fieldTestId(path)}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Wrap>
  );
}

export function CheckboxField({ path, label, hint, checked, onChange, disabled }: Common & { checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  const invalid = useIssues(path).length > 0;
  return (
    <Wrap hint={hint} errorId={`${id}-err`} path={path} inline>
      <label htmlFor={id} className={s.check}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-err` : undefined}
          data-testid={fieldTestId(path)}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        {label}
      </label>
    </Wrap>
  );
}

export function RadioGroup<T extends string>({
  path,
  label,
  value,
  onChange,
  options,
  hint,
}: Common & { value: T; onChange: (v: T) => void; options: ReadonlyArray<{ value: T; label: string }> }) {
  const name = useId();
  return (
    <fieldset className={s.fieldset} data-field={path} data-testid={fieldTestId(path)}>
      <legend>{label}</legend>
      {options.map((o) => (
        <label key={o.value} className={s.check}>
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} /> {o.label}
        </label>
      ))}
      {hint && <div className={s.hint}>{hint}</div>}
      <FieldErrors id={`${name}-err`} path={path} />
    </fieldset>
  );
}

/**
 * A list of strings, one input per entry ("Host 1", "Host 2"), with add and remove.
 * Errors of the list itself ("hosts") show under it, errors of an entry ("hosts.1") under
 * that entry.
 */
export function StringListField({
  path,
  label,
  itemLabel,
  values,
  onChange,
  placeholder,
  addLabel,
  hint,
}: Common & { itemLabel: string; values: string[]; onChange: (v: string[]) => void; placeholder?: string; addLabel?: string }) {
  const id = useId();
  return (
    <fieldset className={s.fieldset} data-field={path} data-testid={fieldTestId(path)}>
      <legend>{label}</legend>
      {values.map((v, i) => (
        <div className={s.rowItem} key={i}>
          <TextField
            path={`${path}.${i}`}
            label={`${itemLabel} ${i + 1}`}
            value={v}
            placeholder={placeholder}
            onChange={(x) => onChange(values.map((y, j) => (j === i ? x : y)))}
          />
          <button
            type="button"
            className={s.small}
            aria-label={`Remove ${itemLabel.toLowerCase()} ${i + 1}`}
            onClick={() => onChange(values.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" className={s.small} onClick={() => onChange([...values, ''])} data-testid={`add-${path}`}>
        {addLabel ?? `Add ${itemLabel.toLowerCase()}`}
      </button>
      {hint && <div className={s.hint}>{hint}</div>}
      <FieldErrors id={`${id}-err`} path={path} />
    </fieldset>
  );
}

export function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className={s.section} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
