import type { ReadinessCheck } from '@dicom-router/service-runtime';
import type { DicomListeners } from './dicom-listeners';
import type { ObjectStorage } from './object-storage';

/** Ready while every listener accepts associations and the StorageLocation answers. */
export function gatewayReadiness(listeners: DicomListeners, storage: ObjectStorage): ReadinessCheck[] {
  return [
    {
      name: 'dicom',
      probe: () => {
        const status = listeners.status();
        return { up: status.accepting, details: { ...status } };
      },
    },
    {
      name: 'storage',
      probe: () => {
        const status = storage.status();
        return { up: status.ok, details: status.ok ? undefined : { error: status.error } };
      },
    },
  ];
}
