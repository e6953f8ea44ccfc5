/**
 * The plugin SDK's public surface for plugin code. The sandbox (`@jokkaer/sdk-plugin/sandbox`), the build tool
 * (`@jokkaer/sdk-plugin/build`) and the test harness (`@jokkaer/sdk-plugin/testing`) are separate entries so
 * that bundling a plugin never pulls in the native isolate runtime, esbuild or Node.js built-ins. Everything
 * here is free of side effects at load, so a plugin bundle keeps only what it uses.
 */
export const SDK_VERSION = '0.1.0';

export * from './bytes';
export * from './capabilities';
export * from './events';
export { HostFailure } from './host-limits';
export * from './manifest';
export * from './plugin';
export * from './rules';
export * from './text';
export * from './time';
