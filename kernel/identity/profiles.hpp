// Profiles: the caller's own record as GB/T 39046-2020 table 12 lists it — a natural person's
// or a legal person's data, or a staff member's account — and the fields its owner may edit.
// Identity fields that a certificate or the real-name authority vouched for (ID number, name,
// credit code) are never editable here. Both calls may block on the database.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "wangban/database.hpp"
#include "wangban/principal.hpp"

namespace wangban::kernel {

// {"kind":"person","person":{…}} | {"kind":"legal","legal":{…}} | {"kind":"staff","staff":{…}};
// Problem 404 (profile.none) for callers without a record (the system token).
nlohmann::json profile_of(Database& db, const Principal& who);

// Updates the given editable fields (person: mobile, email, ethnicity; legal:
// legal_representative, registered_address, registered_date, business_scope; staff: mobile,
// email — where messages are sent). Problem 400 naming the field for a bad value or a field
// that is not editable, 403 for the system token.
void update_profile(Database& db, const Principal& who, const nlohmann::json& fields);

}  // namespace wangban::kernel
