import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsUUID, Max, Min } from 'class-validator';
import type { Answers, IssuePortalLinkRequest, SaveDraftRequest, SubmitResponseRequest } from '@tandem/shared';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';

export class SaveDraftDto implements SaveDraftRequest {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Step id → answer' })
  @IsObject({ message: 'must map each step to its answer' })
  answers: Answers;

  @ApiProperty({ description: 'Version of the draft this save is based on (0 before the first save)' })
  @IsInt({ message: 'must be the draft’s version number' })
  @Min(0)
  @Max(1_000_000)
  version: number;
}

export class SubmitResponseDto implements SubmitResponseRequest {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Step id → answer' })
  @IsObject({ message: 'must map each step to its answer' })
  answers: Answers;

  @ApiProperty({ format: 'uuid', description: 'Chosen once per submission: a retry with the same id is the same submission' })
  @IsUUID('all', { message: 'must be a uuid chosen for this submission' })
  submissionId: string;
}

export class PortalHistoryQuery extends PageQuery {}

export class IssuePortalLinkDto implements IssuePortalLinkRequest {
  @ApiPropertyOptional({
    description: 'Must be true to replace a link that is still active: the client may be using it, and it stops working at once.',
  })
  @IsOmittable()
  @IsBoolean({ message: 'must be true or false' })
  replace?: boolean;
}
