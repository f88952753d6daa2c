package dev.signet.datastore.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.EntryAttributes;
import org.junit.jupiter.api.Test;

class SharedValuesTest {
  private final SharedValues shared = new SharedValues();

  @Test
  void spiffeIdsOfOneTrustDomainShareItAndKeepTheirPaths() {
    SpiffeId a = shared.spiffeId(new String("spiffe://example.org/a"));
    SpiffeId b = shared.spiffeId(new String("spiffe://example.org/b"));
    assertSame(a.trustDomain(), b.trustDomain());
    assertEquals(SpiffeId.parse("spiffe://example.org/b"), b);
    assertNotSame(a.trustDomain(), shared.spiffeId("spiffe://other.org/a").trustDomain());
  }

  @Test
  void equalParentIdsAreOneInstance() {
    SpiffeId first = shared.parentId(new String("spiffe://example.org/spire/agent/join_token/t"));
    SpiffeId second = shared.parentId(new String("spiffe://example.org/spire/agent/join_token/t"));
    assertSame(first, second);
    assertEquals(SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t"), first);
    assertNotSame(first, shared.parentId("spiffe://example.org/spire/agent/join_token/u"));
  }

  @Test
  void anInvalidIdIsRefusedAsParseRefusesIt() {
    assertThrows(InvalidSpiffeIdException.class, () -> shared.parentId("spiffe://Example.org/a"));
    assertThrows(InvalidSpiffeIdException.class, () -> shared.spiffeId("https://example.org/a"));
  }

  @Test
  void selectorsShareTheirTypeAndKeepTheirValue() {
    Selector a = shared.selector(new String("unix"), "uid:1");
    Selector b = shared.selector(new String("unix"), "uid:2");
    assertSame(a.type(), b.type());
    assertEquals(new Selector("unix", "uid:2"), b);
    assertThrows(InvalidSpiffeIdException.class, () -> shared.selector("unix", ""));
  }

  @Test
  void equalNamesAreOneInstanceAndNullStaysNull() {
    assertSame(shared.name(new String("example.com")), shared.name(new String("example.com")));
    assertNull(shared.name(null));
  }

  @Test
  void emptyHintsAndUnsetAttributesAreTheSharedConstants() {
    assertSame("", SharedValues.hint(new String("")));
    assertSame("", SharedValues.hint(null));
    assertEquals("web", SharedValues.hint("web"));
    assertSame(EntryAttributes.NONE, SharedValues.attributes(false, false));
    assertEquals(new EntryAttributes(true, false), SharedValues.attributes(true, false));
    assertEquals(new EntryAttributes(false, true), SharedValues.attributes(false, true));
  }
}
