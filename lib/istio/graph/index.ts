/**
 * The mesh graph model: build from resources, overlay telemetry, transform for display.
 * Pure (no React, no network). See README.md for the JSON shape.
 */
export * from './types';
export { buildGraph, envTargets, portProtocol, routeBadges, summarizeMatch, type BuildOptions } from './build';
export * from './observed';
export * from './transform';
export { collectWorkloads, versionKey, DEFAULT_VERSION_LABELS, type Workload } from './workloads';
export { isLabelKey, parseGraphParams, parseVersionLabels, type GraphParams } from './params';
export { callerOf, previewCaller, previewCallers, type CallerPreview, type PreviewTarget } from './callers';
