package actors;

/**
 * Something an operator should read in the admin chat (an order placed, filled, rejected or of
 * unknown fate), published on the ActorSystem's event stream by whoever has it (the order sink);
 * the telegram sink's admin notices tell it. In {@code actors} so that neither side knows the other.
 */
public interface AdminMessage {
    /** The text for the admin chat (plain text; no secret ever). */
    String adminText();
}
