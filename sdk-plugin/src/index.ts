/** The plugin SDK's public surface; filled in with the plugin platform. */
export const SDK_VERSION = '0.1.0';

export * from './events';
