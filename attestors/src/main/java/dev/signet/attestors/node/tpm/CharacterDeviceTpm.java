package dev.signet.attestors.node.tpm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.util.Arrays;
import tss.TpmDevice;

/**
 * A TPM character device at a configured path ({@code /dev/tpmrm0}, the kernel's resource manager, or
 * {@code /dev/tpm0}): one write per command, one read per response. TSS.Java's own Linux device only tries
 * its two fixed paths and prints its failures instead of throwing.
 */
final class CharacterDeviceTpm extends TpmDevice {
  /** TPM2's largest response (MAX_RESPONSE_SIZE on PC-client TPMs is 4096). */
  private static final int MAX_RESPONSE = 4096;

  private final String path;
  private RandomAccessFile file;

  CharacterDeviceTpm(String path) {
    this.path = path;
  }

  @Override
  public boolean connect() {
    try {
      file = new RandomAccessFile(path, "rw");
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("tpm: cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException("tpm: cannot close " + path, e);
      }
      file = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    try {
      if (file == null) {
        connect();
      }
      file.write(command);
    } catch (IOException e) {
      throw new UncheckedIOException("tpm: cannot send a command to " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] getResponse() {
    byte[] buffer = new byte[MAX_RESPONSE];
    try {
      int read = file.read(buffer);
      if (read <= 0) {
        throw new IllegalStateException("tpm: no response from " + path);
      }
      return Arrays.copyOf(buffer, read);
    } catch (IOException e) {
      throw new UncheckedIOException("tpm: cannot read a response from " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean responseReady() {
    return true;
  }
}
