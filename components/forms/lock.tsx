'use client';
/**
 * Whether the form on the page may change right now (applyPhase.lockOf): the apply flow
 * reports it, the frame (FormPage) shares it, so the target pickers and the reload button
 * are locked together with the form's own inputs.
 */
import { createContext, useContext } from 'react';
import type { Lock } from './applyPhase';

export interface FormLockValue {
  lock: Lock;
  setLock: (l: Lock) => void;
}

export const FormLockContext = createContext<FormLockValue>({ lock: 'open', setLock: () => {} });

export function useFormLock(): FormLockValue {
  return useContext(FormLockContext);
}
