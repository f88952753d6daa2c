package dev.signet.common.files;

import java.io.IOException;

/**
 * A data directory or a secret file in it that others than the process's user could read or change; the
 * message is one line naming the paths, their modes and the fix.
 */
public final class InsecurePermissionsException extends IOException {
  private static final long serialVersionUID = 1L;

  public InsecurePermissionsException(String message) {
    super(message);
  }
}
