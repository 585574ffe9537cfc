import 'reflect-metadata';
import { runService } from '@dicom-router/service-runtime';
import { startRegistry } from './bootstrap';

runService('association-registry', startRegistry);
