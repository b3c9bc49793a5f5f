/// Who a customer is: the contact fields of `ContactCreated`, as later changed.
public struct CustomerIdentity: Sendable, Hashable {
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var company: String?
    public var jobTitle: String?
    public var accountId: String?
    /// The sales rep who owns the contact.
    public var ownerId: String?
    public var timezone: String?
    public var locale: String?
    /// How the contact entered the CRM.
    public var source: String?

    public init() {}

    /// The field names of `ContactCreated` this type keeps, in encoding order.
    static let fields = [
        "firstName", "lastName", "email", "phone", "company", "jobTitle", "accountId", "ownerId", "timezone", "locale",
        "source",
    ]

    /// The field called `name` (a `ContactCreated` field name), for updates by name.
    subscript(field name: String) -> String? {
        get {
            switch name {
            case "firstName": return firstName
            case "lastName": return lastName
            case "email": return email
            case "phone": return phone
            case "company": return company
            case "jobTitle": return jobTitle
            case "accountId": return accountId
            case "ownerId": return ownerId
            case "timezone": return timezone
            case "locale": return locale
            case "source": return source
            default: return nil
            }
        }
        set {
            switch name {
            case "firstName": firstName = newValue
            case "lastName": lastName = newValue
            case "email": email = newValue
            case "phone": phone = newValue
            case "company": company = newValue
            case "jobTitle": jobTitle = newValue
            case "accountId": accountId = newValue
            case "ownerId": ownerId = newValue
            case "timezone": timezone = newValue
            case "locale": locale = newValue
            case "source": source = newValue
            default: break
            }
        }
    }

    /// First and last name, or nil when neither is known.
    public var name: String? {
        let parts = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// Fills the fields this identity lacks from `other` (a merged duplicate, a lead).
    mutating func fillBlanks(from other: CustomerIdentity) {
        for field in Self.fields where self[field: field] == nil { self[field: field] = other[field: field] }
    }

    func encode(to writer: inout RowWriter) {
        writer.optionalString(firstName)
        writer.optionalString(lastName)
        writer.optionalString(email)
        writer.optionalString(phone)
        writer.optionalString(company)
        writer.optionalString(jobTitle)
        writer.optionalString(accountId)
        writer.optionalString(ownerId)
        writer.optionalString(timezone)
        writer.optionalString(locale)
        writer.optionalString(source)
    }

    init(decoding reader: inout RowReader) throws(ProjectionError) {
        firstName = try reader.optionalString()
        lastName = try reader.optionalString()
        email = try reader.optionalString()
        phone = try reader.optionalString()
        company = try reader.optionalString()
        jobTitle = try reader.optionalString()
        accountId = try reader.optionalString()
        ownerId = try reader.optionalString()
        timezone = try reader.optionalString()
        locale = try reader.optionalString()
        source = try reader.optionalString()
    }
}
