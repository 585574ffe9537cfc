import 'reflect-metadata';
import { runService } from '@dicom-router/service-runtime';
import { startAsyncFiler } from './bootstrap';

runService('async-filer', startAsyncFiler);
