import 'reflect-metadata';
import { runService } from '@dicom-router/service-runtime';
import { startStorageRouter } from './bootstrap';

runService('storage-router', startStorageRouter);
