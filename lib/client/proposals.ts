/** Change proposals in the browser: query keys, queries and the writes of /api/proposals/**. */
import { queryOptions } from '@tanstack/react-query';
import type { ApplyResponse, ChangeInput, ExportFormat, ExportResponse, ProposalResponse, ProposalsResponse, RebaseResponse } from '../contracts/proposals';
import type { ChangeProposal } from '../istio/review/proposal';
import { apiFetch } from './api';
import { keys } from './keys';

export const proposalKeys = {
  all: (context: string) => [...keys.cluster(context), 'proposals'] as const,
  list: (context: string) => [...proposalKeys.all(context), 'list'] as const,
  detail: (context: string, name: string, versionLabels?: string) => [...proposalKeys.all(context), 'detail', name, versionLabels ?? ''] as const,
};

const base = (name: string) => `/api/proposals/${encodeURIComponent(name)}`;

export const proposalsQuery = (context: string) =>
  queryOptions({ queryKey: proposalKeys.list(context), queryFn: () => apiFetch<ProposalsResponse>('/api/proposals', { context }), staleTime: 5_000 });

/** The proposal with its review, staleness and dry run; refreshed while open, so a teammate's change shows up. */
export const proposalQuery = (context: string, name: string, versionLabels?: string) =>
  queryOptions({
    queryKey: proposalKeys.detail(context, name, versionLabels),
    queryFn: () => apiFetch<ProposalResponse>(base(name), { context, query: { versionLabels } }),
    refetchInterval: 5_000,
  });

type One = { proposal: ChangeProposal };

export const createProposal = (context: string, body: { title: string; description?: string; changes: ChangeInput[] }) =>
  apiFetch<One>('/api/proposals', { method: 'POST', context, body });
export const addChanges = (context: string, name: string, changes: ChangeInput[]) =>
  apiFetch<One>(`${base(name)}/changes`, { method: 'POST', context, body: { changes } });
export const removeChange = (context: string, name: string, id: string) => apiFetch<One>(`${base(name)}/changes`, { method: 'DELETE', context, query: { id } });
export const commentOn = (context: string, name: string, text: string) => apiFetch<One>(`${base(name)}/comments`, { method: 'POST', context, body: { text } });
export const reviewProposal = (context: string, name: string, verdict: 'approve' | 'request-changes', text?: string) =>
  apiFetch<One>(`${base(name)}/reviews`, { method: 'POST', context, body: { verdict, text } });
export const setProposalState = (context: string, name: string, state: 'open' | 'closed') =>
  apiFetch<One>(`${base(name)}/state`, { method: 'POST', context, body: { state } });
export const rebaseProposal = (context: string, name: string, resources?: string[]) =>
  apiFetch<RebaseResponse>(`${base(name)}/rebase`, { method: 'POST', context, body: { resources } });
export const applyProposal = (context: string, name: string) => apiFetch<ApplyResponse>(`${base(name)}/apply`, { method: 'POST', context, body: {} });
export const exportProposal = (context: string, name: string, format: ExportFormat) =>
  apiFetch<ExportResponse>(`${base(name)}/export`, { context, query: { format } });
