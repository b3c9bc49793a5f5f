import EventLog
import Schemas

/// The event catalog every command validates against: the one built into the binary.
enum Catalog {
    static var validator: (any EventValidator)? { EventCatalog.embedded }
}
