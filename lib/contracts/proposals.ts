/** Request schemas and response types of /api/proposals/**. */
import { z } from 'zod';
import type { Finding } from '../istio/findings';
import type { K8sObject } from '../istio/types';
import type { MeshReview } from '../istio/review/diff';
import type { ChangeProposal, StaleChange, WriteResult } from '../istio/review/proposal';
import { k8sObjectSchema } from './api';

export const changeInputSchema = z.object({
  action: z.enum(['create', 'update', 'delete']),
  object: k8sObjectSchema,
});
/** A change as the browser sends it (the schema above checks its shape). */
export interface ChangeInput {
  action: 'create' | 'update' | 'delete';
  object: K8sObject;
}

export const createProposalSchema = z.object({
  title: z.string().trim().min(1, 'a title is required').max(200),
  description: z.string().max(20_000).optional(),
  changes: z.array(changeInputSchema).max(200).default([]),
});

export const addChangesSchema = z.object({ changes: z.array(changeInputSchema).min(1, 'no change given').max(200) });
export const commentSchema = z.object({ text: z.string().trim().min(1, 'the comment is empty').max(20_000) });
export const reviewSchema = z.object({ verdict: z.enum(['approve', 'request-changes']), text: z.string().max(20_000).optional() });
export const stateSchema = z.object({ state: z.enum(['open', 'closed']) });
export const rebaseSchema = z.object({ resources: z.array(z.string()).optional() });

export interface ProposalSummary {
  name: string;
  title: string;
  state: ChangeProposal['spec']['state'];
  author: string;
  createdAt?: string;
  updatedAt?: string;
  changes: number;
  resources: string[];
  mine: boolean;
}

export interface ProposalsResponse {
  items: ProposalSummary[];
  me: string;
}

/** The review of a proposal as the page shows it: the mesh review without the two whole graphs, plus the SVG of what changes. */
export type ProposalReviewView = Omit<MeshReview, 'before' | 'after'> & { svg?: string };

export interface ProposalResponse {
  proposal: ChangeProposal;
  me: string;
  review: ProposalReviewView;
  stale: StaleChange[];
  /** Server-side dry run of every write, in order, against the current cluster. */
  dryRun: WriteResult[];
  /** May the current identity do every write (SelfSubjectAccessReview)? */
  canApply: { allowed: boolean; denied: string[] };
}

export interface ApplyResponse {
  proposal: ChangeProposal;
  ok: boolean;
  results: WriteResult[];
}

export interface RebaseResponse {
  proposal: ChangeProposal;
  conflicts: Array<{ resource: string; path: string; base: unknown; current: unknown; mine: unknown }>;
}

export type ExportFormat = 'files' | 'diff' | 'kustomize';
export interface ExportResponse {
  format: ExportFormat;
  files?: Array<{ path: string; text: string; action: string }>;
  diff?: string;
}

export type { Finding };
