/**
 * A review as Markdown (for a PR comment or a CI log) or as plain JSON. Pure.
 */
import type { Finding } from '../findings';
import type { MeshReview } from './diff';
import { graphDiffSvg } from './svg';

export interface ReviewReportJson {
  resources: Array<{ resource: string; action: string; findings: Finding[] }>;
  namespaces: string[];
  findings: { introduced: Finding[]; resolved: Finding[]; left: number };
  routes: string[];
  decisions: string[];
  graph: MeshReview['graph'];
  introducesError: boolean;
}

export function introducesError(r: MeshReview): boolean {
  return r.findings.introduced.some((f) => f.level === 'Error');
}

export function reviewJson(r: MeshReview): ReviewReportJson {
  return {
    resources: r.resources.map((c) => ({ resource: c.resource, action: c.action, findings: c.findings })),
    namespaces: r.namespaces,
    findings: { introduced: r.findings.introduced, resolved: r.findings.resolved, left: r.findings.left.length },
    routes: r.routes,
    decisions: r.decisions,
    graph: r.graph,
    introducesError: introducesError(r),
  };
}

const finding = (f: Finding) => `- **${f.level}** ${f.code} ${f.resource}${f.path ? ` (${f.path})` : ''}: ${f.message}`;
const VERB = { create: 'created', update: 'changed', delete: 'deleted' } as const;

export interface MarkdownOptions {
  /** Where the SVG was written (the Markdown links it); when absent the SVG is inlined in an HTML comment-free <details>. */
  svgPath?: string;
  title?: string;
}

export function reviewMarkdown(r: MeshReview, opts: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`## ${opts.title ?? 'Meshboard review'}`, '');
  if (!r.resources.length) {
    out.push('No resource changes.', '');
    return out.join('\n');
  }
  const counts = (['create', 'update', 'delete'] as const).map((a) => [a, r.resources.filter((c) => c.action === a).length] as const).filter(([, n]) => n);
  out.push(
    `${r.resources.length} resource${r.resources.length === 1 ? '' : 's'} (${counts.map(([a, n]) => `${n} ${VERB[a]}`).join(', ')}) in ${r.namespaces.length ? r.namespaces.join(', ') : 'cluster scope'}; findings: ${r.findings.introduced.length} introduced, ${r.findings.resolved.length} resolved, ${r.findings.left.length} left.`,
    '',
  );
  if (introducesError(r)) out.push('**This change introduces an Error finding.**', '');
  out.push('### Resources', '');
  for (const c of r.resources)
    out.push(`- ${VERB[c.action]}: ${c.resource}${c.findings.length ? ` (${c.findings.length} finding${c.findings.length === 1 ? '' : 's'})` : ''}`);
  out.push('');
  out.push('### Findings introduced', '', ...(r.findings.introduced.length ? r.findings.introduced.map(finding) : ['None.']), '');
  out.push('### Findings resolved', '', ...(r.findings.resolved.length ? r.findings.resolved.map(finding) : ['None.']), '');
  out.push('### Route changes', '', ...(r.routes.length ? r.routes.map((l) => `- ${l}`) : ['None.']), '');
  out.push('### mTLS and authorization decisions', '', ...(r.decisions.length ? r.decisions.map((l) => `- ${l}`) : ['None changed.']), '');
  const svg = graphDiffSvg(r.graph);
  out.push('### Graph', '');
  if (!svg) out.push('No node or edge changed.', '');
  else if (opts.svgPath) out.push(`![changed part of the graph](${opts.svgPath})`, '');
  else out.push('<details><summary>Changed part of the graph (SVG)</summary>', '', svg, '', '</details>', '');
  if (r.graph.nodesAdded.length) out.push(`Nodes added: ${r.graph.nodesAdded.map((n) => n.label).join(', ')}`, '');
  if (r.graph.nodesRemoved.length) out.push(`Nodes removed: ${r.graph.nodesRemoved.map((n) => n.label).join(', ')}`, '');
  return out.join('\n');
}
