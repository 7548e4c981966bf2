'use client';
/** Request timeout, retries and (traffic shifting only) fault injection of an HTTP route. */
import type { FaultOption, RetriesOption } from '@/lib/istio/forms/routeOptions';
import { CheckboxField, NumberField, TextField } from './fields';
import s from './forms.module.css';

export interface RouteOptionsValue {
  timeout?: string;
  retries?: RetriesOption;
  fault?: FaultOption;
}

/** An optional number field: empty means "not set". */
const opt = (n: number) => (Number.isNaN(n) ? undefined : n);

export function RouteOptionsFields({
  value,
  onChange,
  withFault,
}: {
  value: RouteOptionsValue;
  onChange: (v: RouteOptionsValue) => void;
  withFault?: boolean;
}) {
  const retries = value.retries;
  const fault = value.fault;
  const setFault = (f: FaultOption) => onChange({ ...value, fault: f && (f.delay || f.abort) ? f : undefined });
  return (
    <>
      <div className={s.grid}>
        <TextField
          path="timeout"
          label="Request timeout"
          placeholder="e.g. 5s — empty: no timeout"
          value={value.timeout ?? ''}
          onChange={(t) => onChange({ ...value, timeout: t || undefined })}
        />
      </div>
      <CheckboxField
        path="retries.enabled"
        label="Retries"
        checked={retries !== undefined}
        onChange={(on) => onChange({ ...value, retries: on ? { attempts: 3, retryOn: '5xx,connect-failure,reset' } : undefined })}
      />
      {retries && (
        <div className={s.grid}>
          <NumberField
            path="retries.attempts"
            label="Attempts"
            min={0}
            value={retries.attempts}
            onChange={(n) => onChange({ ...value, retries: { ...retries, attempts: opt(n) } })}
          />
          <TextField
            path="retries.perTryTimeout"
            label="Time per try"
            placeholder="e.g. 2s"
            value={retries.perTryTimeout ?? ''}
            onChange={(t) => onChange({ ...value, retries: { ...retries, perTryTimeout: t || undefined } })}
          />
          <TextField
            path="retries.retryOn"
            label="Retry on"
            placeholder="5xx,connect-failure,reset"
            value={retries.retryOn ?? ''}
            onChange={(t) => onChange({ ...value, retries: { ...retries, retryOn: t || undefined } })}
          />
        </div>
      )}
      {withFault && (
        <>
          <CheckboxField
            path="fault.delay.enabled"
            label="Inject a delay"
            checked={!!fault?.delay}
            onChange={(on) => setFault({ ...fault, delay: on ? { fixedDelay: '1s', percentage: 10 } : undefined })}
          />
          {fault?.delay && (
            <div className={s.grid}>
              <TextField
                path="fault.delay.fixedDelay"
                label="Delay"
                value={fault.delay.fixedDelay}
                onChange={(t) => setFault({ ...fault, delay: { ...fault.delay!, fixedDelay: t } })}
              />
              <NumberField
                path="fault.delay.percentage"
                label="Share of requests (%)"
                value={fault.delay.percentage}
                onChange={(n) => setFault({ ...fault, delay: { ...fault.delay!, percentage: opt(n) } })}
              />
            </div>
          )}
          <CheckboxField
            path="fault.abort.enabled"
            label="Abort requests with an HTTP status"
            checked={!!fault?.abort}
            onChange={(on) => setFault({ ...fault, abort: on ? { httpStatus: 503, percentage: 10 } : undefined })}
          />
          {fault?.abort && (
            <div className={s.grid}>
              <NumberField
                path="fault.abort.httpStatus"
                label="HTTP status"
                value={fault.abort.httpStatus}
                onChange={(n) => setFault({ ...fault, abort: { ...fault.abort!, httpStatus: n } })}
              />
              <NumberField
                path="fault.abort.percentage"
                label="Share of requests (%)"
                value={fault.abort.percentage}
                onChange={(n) => setFault({ ...fault, abort: { ...fault.abort!, percentage: opt(n) } })}
              />
            </div>
          )}
        </>
      )}
    </>
  );
}
