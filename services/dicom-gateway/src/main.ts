import 'reflect-metadata';
import { runService } from '@dicom-router/service-runtime';
import { startGateway } from './bootstrap';

runService('dicom-gateway', startGateway);
