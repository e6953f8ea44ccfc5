export { MessageContent } from './MessageContent';
export type { BlockAction } from './types';
