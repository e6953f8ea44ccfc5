import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (19 MiB, t=2, p=1), the OWASP baseline; every password set uses it. */
export const hashPassword = (password: string): Promise<string> => hash(password);

export const verifyPassword = (passwordHash: string, password: string): Promise<boolean> =>
  verify(passwordHash, password);
