import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../common/app-error.js';
import { EXERCISE_ID } from './dto/exercise.dto.js';

/** Library ids: `builtin:<slug>` or a practice exercise's uuid; anything else names nothing. */
@Injectable()
export class ExerciseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const id = value.toLowerCase();
    if (!EXERCISE_ID.test(id)) throw new NotFoundError('exercise');
    return id;
  }
}
