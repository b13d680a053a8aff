import { Inject, Injectable } from '@nestjs/common';
import { PlatformConfig } from '../config/platform.config';
import { UpstreamClient } from './upstream-client';
import { sharedHttpTransport } from './http-transport';
import type { UpstreamSettings } from './upstream.config';

export const UPSTREAM_SETTINGS = Symbol('UPSTREAM_SETTINGS');

/** One UpstreamClient (and so one circuit breaker) per upstream service, for the app's lifetime. */
@Injectable()
export class UpstreamClients {
  private readonly clients = new Map<string, UpstreamClient>();

  constructor(
    private readonly config: PlatformConfig,
    @Inject(UPSTREAM_SETTINGS) private readonly settings: UpstreamSettings,
  ) {}

  get(upstream: string): UpstreamClient {
    let client = this.clients.get(upstream);
    if (!client) {
      const baseUrl = this.settings.baseUrls[upstream];
      if (!baseUrl)
        throw new Error(`${upstream} is not declared in PlatformModule.forRoot({ upstreams })`);
      client = new UpstreamClient(
        upstream,
        baseUrl,
        sharedHttpTransport,
        this.settings,
        this.config.serviceApiKey,
      );
      this.clients.set(upstream, client);
    }
    return client;
  }
}
