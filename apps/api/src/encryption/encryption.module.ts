import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { EncryptionService, FIELD_CIPHER } from './encryption.service.js';
import { loadCipher } from './keyring.js';
import type { FieldCipher } from './field-cipher.js';
import { cursorKey, PageCursors } from '../common/cursor.js';

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
        // Page cursors are signed with a secret derived from the data key: the same in every API process.
        { provide: PageCursors, useFactory: (cipher: FieldCipher) => new PageCursors(cipher.derive(cursorKey)), inject: [FIELD_CIPHER] },
      ],
      exports: [FIELD_CIPHER, EncryptionService, PageCursors],
    };
  }
}
