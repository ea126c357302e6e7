import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but when present it must be valid: unlike
 * class-validator's IsOptional, an explicit null is judged, not waved through.
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
