// What the app and other features use of calls.
export { CallButton } from './CallButton';
export { CallsProvider } from './CallsProvider';
