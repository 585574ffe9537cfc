import 'reflect-metadata';
import { runService } from '@dicom-router/service-runtime';
import { startWorklistProcess } from './bootstrap';

runService('worklist-process', startWorklistProcess);
