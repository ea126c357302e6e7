import { Module } from '@nestjs/common';
import { AttentionController } from './attention.controller.js';
import { AttentionService } from './attention.service.js';

/** The attention queue: what needs a clinician (or an admin), and marking answers reviewed. */
@Module({ controllers: [AttentionController], providers: [AttentionService] })
export class AttentionModule {}
