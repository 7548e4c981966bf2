/** Reviewing a mesh change: resource, graph and findings diff, report, SVG. Pure. */
export * from './diff';
export * from './report';
export { graphDiffSvg } from './svg';
export * from './proposal';
