import { Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FilerSettings } from '../filer-settings';
import { conditionOf } from '../domain/dispatch';
import { FilerRuntime } from '../infrastructure/filer-runtime';
import { FILER_SETTINGS } from '../tokens';
import { RestController } from './rest-controller';

interface FilerView {
  name: string;
  destination: string;
  condition: string;
  retryCount: number;
  backoffSeconds: number;
  removeCompletedEntries: boolean;
  paused: boolean;
}

/** The filers of production.yaml, with pause/resume (a paused filer queues but does not deliver). */
@RestController('filers', 'filers')
export class FilersController {
  constructor(
    private readonly runtime: FilerRuntime,
    @Inject(FILER_SETTINGS) private readonly settings: FilerSettings,
  ) {}

  @Get()
  async list(): Promise<FilerView[]> {
    const paused = await this.runtime.store.pausedFilers();
    return this.settings.production.filers.map((f) => ({
      name: f.name,
      destination: f.destination,
      condition: conditionOf(f),
      retryCount: f.retryCount,
      backoffSeconds: f.backoffSeconds,
      removeCompletedEntries: f.removeCompletedEntries,
      paused: paused.has(f.name),
    }));
  }

  @Post(':name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop delivering for this filer (every replica); documents keep being queued' })
  async pause(@Param('name') name: string): Promise<FilerView> {
    return this.set(name, true);
  }

  @Post(':name/resume')
  @HttpCode(200)
  async resume(@Param('name') name: string): Promise<FilerView> {
    const view = await this.set(name, false);
    this.runtime.wake();
    return view;
  }

  private async set(name: string, paused: boolean): Promise<FilerView> {
    if (!this.settings.production.filers.some((f) => f.name === name)) throw new NotFoundException(`no filer is named ${JSON.stringify(name)}`);
    await this.runtime.store.setPaused(name, paused);
    return (await this.list()).find((f) => f.name === name) as FilerView;
  }
}
