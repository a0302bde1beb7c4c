#include "restore/planschemas.h"

#include "db/pgsession.h"
#include "db/schemareader.h"
#include "restore/declaredrules.h"
#include "restore/declareduniques.h"
#include "restore/restorerequest.h"
#include "restore/rowidentity.h"

namespace salvage {

PlanSchemas PlanSchemas::read(PgSession &live, PgSession &backup, const RestoreRequest &request, JobControl *control)
{
    PlanSchemas schemas;
    schemas.backup = SchemaReader::read(backup, control);
    schemas.live = SchemaReader::read(live, control);
    // Declared uniqueness first: on a table without a primary key it can be the rows' identity.
    DeclaredUniques::adopt(schemas.backup, request.uniques, backup);
    DeclaredUniques::adopt(schemas.live, request.uniques, live);
    DeclaredRules::check(schemas.live, request.rules, live);
    RowIdentity::adopt(schemas.backup);
    schemas.identityNotes = RowIdentity::adopt(schemas.live);
    return schemas;
}

} // namespace salvage
