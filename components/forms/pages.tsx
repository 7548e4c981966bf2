'use client';
/**
 * The Mesh task pages: the frame (FormPage: title, the mesh snapshot, the apply report)
 * comes with the route; each form's body, with its builder, zod schemas and the YAML
 * preview, is loaded when the page shows it. Links to these pages are prefetched from
 * every page (the sidebar, the Overview), and that way they fetch only the frame.
 */
import dynamic from 'next/dynamic';
import { FormPage, type FormProps } from './FormPage';

const loading = () => <div className="empty">Loading the form…</div>;

const AmbientForm = dynamic<FormProps>(() => import('./AmbientForm').then((m) => m.AmbientForm), { loading });
const CallersForm = dynamic<FormProps>(() => import('./CallersForm').then((m) => m.CallersForm), { loading });
const ExposeForm = dynamic<FormProps>(() => import('./ExposeForm').then((m) => m.ExposeForm), { loading });
const InjectionForm = dynamic<FormProps>(() => import('./InjectionForm').then((m) => m.InjectionForm), { loading });
const MtlsForm = dynamic<FormProps>(() => import('./MtlsForm').then((m) => m.MtlsForm), { loading });
const ServiceEntryForm = dynamic<FormProps>(() => import('./ServiceEntryForm').then((m) => m.ServiceEntryForm), { loading });
const TrafficForm = dynamic<FormProps>(() => import('./TrafficForm').then((m) => m.TrafficForm), { loading });

export function AmbientPage() {
  return <FormPage job="ambient">{(p) => <AmbientForm {...p} />}</FormPage>;
}

export function CallersPage() {
  return <FormPage job="callers">{(p) => <CallersForm {...p} />}</FormPage>;
}

export function ExposePage() {
  return <FormPage job="expose">{(p) => <ExposeForm {...p} />}</FormPage>;
}

export function InjectionPage() {
  return <FormPage job="injection">{(p) => <InjectionForm {...p} />}</FormPage>;
}

export function MtlsPage() {
  return <FormPage job="mtls">{(p) => <MtlsForm {...p} />}</FormPage>;
}

export function ServiceEntryPage() {
  return <FormPage job="serviceentry">{(p) => <ServiceEntryForm {...p} />}</FormPage>;
}

export function TrafficPage() {
  return <FormPage job="traffic">{(p) => <TrafficForm {...p} />}</FormPage>;
}
