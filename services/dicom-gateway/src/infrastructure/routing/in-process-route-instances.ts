import type { RouteVerdictV1 } from '@dicom-router/contracts';
import type { RouteInstanceUseCase } from '@dicom-router/destinations';
import type { RouteInstances, RouteRequest } from './route-instances';

/**
 * The router in this process (embedded defaults, docs/architecture.md §3 all-in-one): the same use case
 * storage-router runs, called directly; its delivery events go onto this process's bus.
 */
export class InProcessRouteInstances implements RouteInstances {
  private readonly announcing = new Set<Promise<void>>();

  constructor(private readonly useCase: RouteInstanceUseCase) {}

  async route(request: RouteRequest): Promise<RouteVerdictV1> {
    const { verdict, announced } = await this.useCase.execute({ ...request, replyTo: '' });
    this.announcing.add(announced);
    void announced.finally(() => this.announcing.delete(announced));
    return verdict;
  }

  /** Lets delivery events of finished sends reach the bus before it closes. */
  async close(): Promise<void> {
    await Promise.all([...this.announcing]);
  }
}
