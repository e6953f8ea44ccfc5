/**
 * Text PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates): one check, the plugin SDK's, so that its test
 * harness refuses in capability arguments exactly what the server refuses.
 */
export { isStorableText, UNSTORABLE_MESSAGE, unstorableTextFields } from '@jokkaer/sdk-plugin';
