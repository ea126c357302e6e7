import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { EncryptionService, FIELD_CIPHER } from './encryption.service.js';
import { loadCipher } from './keyring.js';

@Global()
@Module({})
export class EncryptionModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: EncryptionModule,
      providers: [
        {
          provide: FIELD_CIPHER,
          useFactory: () => loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: config.createDataKeyFile }),
        },
        EncryptionService,
      ],
      exports: [FIELD_CIPHER, EncryptionService],
    };
  }
}
