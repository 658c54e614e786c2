import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id. OWASP's minimum (19 MiB, 2 passes); about 40 ms per hash on one core here.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, options);

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verifying against this when the user does not exist keeps both paths equally slow. */
export const decoyHash = hash('decoy password that never matches', options);
