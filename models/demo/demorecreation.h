#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// After the incident some victims sign up again: new ids, their old username and e-mail (one
/// under a different username with the same e-mail), fresh settings, a few follows made again
/// and a first post. Applied to `live` only.
class DemoRecreation
{
public:
    DemoRecreation(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }
    void apply();

private:
    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
