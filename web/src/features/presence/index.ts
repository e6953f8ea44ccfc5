// What other features and the app use of presence and typing.
export { applyPresence, presenceKeys } from './api';
export { PresenceDot } from './PresenceDot';
export { TypingProvider, useTypingNotifier } from './signals';
export { TypingIndicator } from './TypingIndicator';
export { TypingBook } from './typing';
