import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PlatformConfig } from '../config/platform.config';
import { ConfigError } from '../config/config-error';
import {
  EDGE_KEY_HOLDER,
  KEY_HOLDER_NAMES,
  KeyHolderName,
  ServiceName,
  isKeyHolderName,
  isServiceName,
} from './service-name';

export const SERVICE_KEY_HEADER = 'x-service-key';

/** The gateway's key, vouching for the client IP in X-Forwarded-For (never a service credential). */
export const EDGE_KEY_HEADER = 'x-edge-key';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Per-caller API keys from SERVICE_API_KEYS. Keys are compared as SHA-256 digests with
 * timingSafeEqual, against every configured key, so timing reveals neither key nor caller.
 * A key identifies one service: the routes decide what it may call (@ServiceAuth), so a
 * caller name that is no service, or one key given to two services, is refused at startup.
 */
@Injectable()
export class ServiceKeyVerifier {
  private readonly keys: Array<{ caller: KeyHolderName; digest: Buffer }>;

  constructor(config: PlatformConfig) {
    const entries = Object.entries(config.serviceApiKeys);
    const problems = [
      ...entries
        .filter(([caller]) => !isKeyHolderName(caller))
        .map(
          ([caller]) =>
            `SERVICE_API_KEYS: "${caller}" is not a service (one of ${KEY_HOLDER_NAMES.join(', ')})`,
        ),
      ...entries
        .filter(([, key], i) => entries.findIndex(([, other]) => other === key) !== i)
        .map(([caller]) => `SERVICE_API_KEYS: "${caller}" has the key of another service`),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
    this.keys = entries.map(([caller, key]) => ({
      caller: caller as KeyHolderName,
      digest: digest(key),
    }));
  }

  /** The calling service's name, or undefined when the key matches none (or is the gateway's). */
  callerFor(presented: string | string[] | undefined): ServiceName | undefined {
    const holder = this.holderOf(presented);
    return isServiceName(holder) ? holder : undefined;
  }

  /** True when `presented` is the gateway's key (X-Edge-Key): its X-Forwarded-For is trusted. */
  isEdgeKey(presented: string | string[] | undefined): boolean {
    return this.holderOf(presented) === EDGE_KEY_HOLDER;
  }

  private holderOf(presented: string | string[] | undefined): KeyHolderName | undefined {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) {
      return undefined;
    }
    const candidate = digest(presented);
    let holder: KeyHolderName | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(candidate, key.digest)) holder = key.caller;
    }
    return holder;
  }
}
