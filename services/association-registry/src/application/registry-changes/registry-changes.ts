import type { RegistryChangedNoticeV1 } from '@dicom-router/contracts';

export type RegistryChangeListener = (notice: RegistryChangedNoticeV1) => void;

/**
 * Announces each committed change of an association to whoever caches negotiation answers: the
 * gateway in the same process directly, gateways elsewhere through `dicom.notices.registry.changed.v1`.
 * Listeners are called synchronously and must not throw; a failing listener is reported and skipped.
 */
export class RegistryChanges {
  private readonly listeners = new Set<RegistryChangeListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  subscribe(listener: RegistryChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(notice: RegistryChangedNoticeV1): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

export const REGISTRY_CHANGES = Symbol('REGISTRY_CHANGES');
