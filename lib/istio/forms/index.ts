/**
 * Form state models and resource builders for Meshboard's forms. Each form X has a zod
 * schema (xSchema, reused by the browser form for field errors), getInitX(context) ->
 * state from what exists, and buildX(state, context) -> { writes, warnings, errors }.
 * Pure: no React, no network, no Node APIs.
 */
export * from './mesh';
export * from './objects';
export * from './writes';
export * from './validators';
export * from './routeOptions';
export * from './preview';
export * from './mtls';
export * from './expose';
export * from './exposeGatewayApi';
export * from './serviceEntry';
export * from './trafficShifting';
export * from './injection';
export * from './callers';
export * from './ambient';
export * from './meshRoute';
