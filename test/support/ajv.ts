import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** Ajv 8 in strict mode reporting every error, with the standard formats (`uuid`, `date-time`, ...). */
export function createAjv(): Ajv {
  return addFormats(new Ajv({ strict: true, allErrors: true }));
}
