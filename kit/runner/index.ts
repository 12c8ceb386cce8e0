/**
 * The in-process n8n the jest tests use: n8n-core's WorkflowExecute with the built package, as n8n
 * runs it minus the database and the UI. The engine and credentials parts are plain JavaScript
 * (engine.js, credentials.js) shared with the bench; project.ts binds them to the project's
 * n8n-core, trigger.ts drives the Awaz Trigger as n8n's webhook service does.
 */
export { AWAZ_TRIGGER_NODE, PACKAGE_DIR } from './engine';
export type { NodeSettings } from '../fixtures';
export { awazNode } from '../fixtures';
export * from './bed';
export * from './project';
export * from './trigger';
