/**
 * The plugin SDK's public surface for plugin code. The sandbox (`@jokkaer/sdk-plugin/sandbox`) is a separate
 * entry so that bundling a plugin never pulls in the native isolate runtime.
 */
export const SDK_VERSION = '0.1.0';

export * from './events';
export * from './plugin';
