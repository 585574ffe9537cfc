import { Injectable } from '@nestjs/common';
import { DimseOutcome, Status } from '@dicom-router/dicom-network';

/** PS3.4 Annex A: the Verification SOP Class. An association that reaches us is verified. */
@Injectable()
export class VerificationService {
  async verify(): Promise<DimseOutcome> {
    return { status: Status.Success };
  }
}
