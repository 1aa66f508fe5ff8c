import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts small secrets at rest (push endpoints, the generated VAPID private key). */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws when the box was not sealed with this key (another secret, or tampered with). */
  open(sealed: string): string;
}

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from the platform's secret and a purpose, so each use
 * has a key of its own. Rotating the secret makes earlier boxes unreadable: their owners are dropped
 * and registered again.
 */
export function createSecretBox(secret: string, purpose: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', secret, 'platform.notifications', purpose, 32));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${iv.toString('base64url')}.${encrypted.toString('base64url')}`;
    },
    open(sealed) {
      const [version, iv, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !data) throw new Error('not a sealed box');
      const bytes = Buffer.from(data, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
