import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PlatformConfig } from '../config/platform.config';

export const SERVICE_KEY_HEADER = 'x-service-key';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Per-caller API keys from SERVICE_API_KEYS. Keys are compared as SHA-256 digests with
 * timingSafeEqual, against every configured key, so timing reveals neither key nor caller.
 */
@Injectable()
export class ServiceKeyVerifier {
  private readonly keys: Array<{ caller: string; digest: Buffer }>;

  constructor(config: PlatformConfig) {
    this.keys = Object.entries(config.serviceApiKeys).map(([caller, key]) => ({
      caller,
      digest: digest(key),
    }));
  }

  /** The calling service's name, or undefined when the key matches none. */
  callerFor(presented: string | string[] | undefined): string | undefined {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) {
      return undefined;
    }
    const candidate = digest(presented);
    let caller: string | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(candidate, key.digest)) caller = key.caller;
    }
    return caller;
  }
}
