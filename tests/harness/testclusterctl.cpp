// Starts or stops the run-wide test cluster for ctest's fixtures.
#include "core/error.h"
#include "db/pgcluster.h"

#include <QCoreApplication>
#include <QDir>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() != 3) {
        fprintf(stderr, "usage: testclusterctl start|stop DIR\n");
        return 2;
    }
    const QString &command = arguments.at(1);
    const QString &dir = arguments.at(2);
    try {
        salvage::PgCluster cluster(dir);
        if (command == QLatin1String("start")) {
            cluster.destroy(); // a cluster left over from an interrupted run
            QDir(dir).removeRecursively();
            salvage::PgCluster fresh(dir);
            fresh.start();
            printf("test cluster running: %s\n", qPrintable(fresh.conninfo(QStringLiteral("postgres"))));
        } else if (command == QLatin1String("stop")) {
            cluster.destroy();
            QDir(dir).removeRecursively();
        } else {
            fprintf(stderr, "unknown command %s\n", qPrintable(command));
            return 2;
        }
    } catch (const salvage::Error &error) {
        fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
