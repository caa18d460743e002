import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may log in to Bull Board: the operator acts on jobs and queues, the viewer only looks. */
export type BoardRole = 'operator' | 'viewer';

/** The password of each login; a login without one is off. */
export type BoardPasswords = Partial<Record<BoardRole, string>>;

/** What a request's `Authorization` header says: no login at all, a wrong one, or the role it logs in as. */
export type BoardLogin = { kind: 'none' } | { kind: 'wrong' } | { kind: 'role'; role: BoardRole };

/** HTTP basic auth for Bull Board: the user name is the role, each role has its own password. */
export class BoardLogins {
  private readonly expected: Array<{ role: BoardRole; digest: Buffer }>;

  constructor(passwords: BoardPasswords) {
    this.expected = (['operator', 'viewer'] as const).flatMap((role) => {
      const password = passwords[role];
      return password === undefined ? [] : [{ role, digest: digestOf(`${role}:${password}`) }];
    });
  }

  /** The roles that can log in, in the order the 401 names them. */
  get roles(): BoardRole[] {
    return this.expected.map((login) => login.role);
  }

  /**
   * Reads an `Authorization` header. Credentials are compared as SHA-256
   * digests with `timingSafeEqual`, against every role without stopping at a
   * match, so neither the length nor the content of a password, nor which
   * role matched, shows in the time the answer takes.
   */
  check(authorization: string | undefined): BoardLogin {
    if (authorization === undefined || authorization === '') return { kind: 'none' };
    const match = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization);
    const given = digestOf(match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '');
    let role: BoardRole | undefined;
    for (const login of this.expected) {
      if (timingSafeEqual(given, login.digest) && match) role = login.role;
    }
    return role === undefined ? { kind: 'wrong' } : { kind: 'role', role };
  }
}

function digestOf(credentials: string): Buffer {
  return createHash('sha256').update(credentials, 'utf8').digest();
}
